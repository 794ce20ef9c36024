use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        body: "function(context) { id: context.identity.id }",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        body: "function(ctx, extra) { id: ctx.identity.id }",
    };
}
