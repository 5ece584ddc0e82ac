/** `yo checkpoint-tests:versioning`: the versioning and migration cases (V) of the catalogue, in test_versioning.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('versioning');
