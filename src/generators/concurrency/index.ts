/** `yo checkpoint-tests:concurrency`: the concurrency cases (K) of the catalogue, in test_concurrency.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('concurrency');
