/** `yo checkpoint-tests:performance`: the performance and memory cases (P), in test_performance.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('performance');
