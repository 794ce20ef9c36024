use ory_actions::action;

fn main() {
    let _ = action! {
        method: POST,
    };
}
