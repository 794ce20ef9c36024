use ory_actions::action;

fn main() {
    let _ = action! {
        flow: registration,
        timing: after,
        url: "https://api.example.com/hook",
    };
}
