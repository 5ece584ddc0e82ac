/** `yo checkpoint-tests:resume`: the resume cases (R) of the catalogue, in test_resume.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('resume');
