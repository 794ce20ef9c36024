use ory_actions::action;

fn main() {
    let _ = action! {
        flow: setings,
        timing: after,
        url: "api.example.com/hook",
        method: GETT,
        response_ignore: true,
        can_interrupt: true,
        body: "function(ctx) { a: }",
    };
}
