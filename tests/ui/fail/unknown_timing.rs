use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: afterwards,
        url: "https://api.example.com/hook",
    };
}
