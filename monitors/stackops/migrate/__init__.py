"""`migrate`: move a stack's monitors to the other monitor API without deleting one.

A table has one monitor, which both APIs read, but Pulumi holds it as a resource of one type
(`databricks.QualityMonitor` or `databricks.DataQualityMonitor`); registering it as the other
type would create a second and delete the first. So migrate changes the state, never the cloud.
`command` runs the steps in order, each in its own module, sharing one `context.Migration`:

0. `checks`: the CLI, the stack, every enabled monitor in the state as the source type and
   settled, the preview planning no change; the dependents that move with each monitor;
1. `facts`: each monitor's history facts read through both APIs (they must agree: one monitor)
   and the import IDs, with credentials that reach the workspace; `start`: shows the plan and
   asks (the stack name in a protected stack), then writes the `journal` (the facts and the
   restore point);
2. `state_move`: writes `lakehouse-monitors:api` and `lakehouse-monitors:migratingTo` (the backend
   guard's contract, `monitors.desired.backend`);
3. `state_move`: `pulumi state remove` of the old resources (with `--force` where protected, and
   `--target-dependents` for the alerts that depend on them: they leave the state with their
   monitor, and stay in Databricks), then one `pulumi import` of the same monitors as the target
   type and of those alerts by their IDs (`monitors.stackops.state_edit`);
4. `preview`: any replace, delete or create refuses the migration and puts the state and the
   stack file back exactly (`pulumi stack import` of the restore point);
5. `update`: `pulumi up` (the program records each monitor on the new backend), then removes
   `migratingTo`;
6. `proof`: the history proof: the facts read again through the new API must be unchanged.
A step that fails or is interrupted ends in `stopped`: where each monitor stands and how to go on.
Run again, migrate reads where each monitor stands (`placement`) and continues; `--to` the other
API goes back the same way.
"""
