use ory_actions::action;

fn main() {
    let _ = action! {
        flow: registration,
        timing: after,
        auth_method: fallback,
        url: "https://api.example.com/hook",
        response_parse: true,
    };
    let _ = action! {
        flow: settings,
        timing: after,
        auth_method: fallback,
        url: "https://api.example.com/hook",
        can_interrupt: true,
    };
}
