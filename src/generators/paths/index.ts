/** `yo checkpoint-tests:paths`: the paths cases (X) of the catalogue, in test_paths.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('paths');
