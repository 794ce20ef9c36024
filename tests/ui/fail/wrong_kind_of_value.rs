use ory_actions::action;

fn main() {
    let _ = action! {
        flow: "login",
        timing: before,
        url: 443,
        can_interrupt: "yes",
    };
}
