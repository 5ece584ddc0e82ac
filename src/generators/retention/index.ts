/** `yo checkpoint-tests:retention`: the retention cases of the catalogue, in test_retention.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('retention');
