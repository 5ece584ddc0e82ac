/** `yo checkpoint-tests:corruption`: the corruption cases (C) of the catalogue, in test_corruption.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('corruption');
