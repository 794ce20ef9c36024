use ory_actions::action;

fn main() {
    let _ = action! {
        flow: registraton,
        timing: before,
        url: "https://api.example.com/hook",
    };
}
