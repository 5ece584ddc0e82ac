/** `yo checkpoint-tests:stateful`: the stateful cases of the catalogue, in test_stateful.py. */
import { familyGenerator } from '../../lib/family-generator.js';

export default familyGenerator('stateful');
