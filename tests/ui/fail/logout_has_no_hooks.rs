use ory_actions::action;

fn main() {
    let _ = action! {
        flow: logout,
        timing: after,
        url: "https://api.example.com/hook",
    };
}
