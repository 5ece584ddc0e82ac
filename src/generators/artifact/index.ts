/** `yo checkpoint-tests:artifact`: the artifact cases (A) of the catalogue, in test_artifact.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('artifact');
