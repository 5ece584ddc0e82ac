/** `yo checkpoint-tests:faults`: the faults cases of the catalogue, in test_faults.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('faults');
