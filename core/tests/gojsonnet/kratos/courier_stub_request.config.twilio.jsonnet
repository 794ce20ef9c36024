function(ctx) {
  from: "Kratos Test",
  to: ctx.recipient,
  body: ctx.body
}
