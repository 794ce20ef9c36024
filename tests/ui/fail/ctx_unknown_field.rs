use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/audit",
        body: "function(ctx) {\n  id: ctx.identty.id,\n  email: ctx.identity.trait.email,\n}",
    };
}
