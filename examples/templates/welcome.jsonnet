// The body of the welcome web hook: Kratos calls it with the flow's context as `ctx`.
function(ctx) {
  identity_id: ctx.identity.id,
  email: ctx.identity.traits.email,
  method: ctx.flow.active,
}
