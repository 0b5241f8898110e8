import { operationFields, type ScenarioContext } from './operations/fields.js';
import { OPERATIONS } from './operations/registry.js';


type OperationSchemas = { [O in (typeof OPERATIONS)[number] as O['name']]: ReturnType<O['schema']> };

/** The value of each operation key of a step, turned into what the step runs: one schema per operation of the registry. */
export function operationSchemas(context: ScenarioContext): OperationSchemas {
  const fields = operationFields(context);
  return Object.fromEntries(OPERATIONS.map((operation) => [operation.name, operation.schema(fields)])) as OperationSchemas;
}
