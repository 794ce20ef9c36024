use ory_actions::action;

fn main() {
    let _ = action! {
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/welcome",
        body: "function(ctx) {\n  identity_id: ctx.identity.id,\n  session_id: ctx.session.id,\n}",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/guard",
        body: "function(ctx) { email: ctx['identity'].traits.email }",
    };
}
