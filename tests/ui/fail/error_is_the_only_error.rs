// A declaration with errors still has the type `Action`, so the code around it reports nothing
// more than the macro's own errors.
use ory_actions::{Action, action};

fn takes(_: Action) {}

fn main() {
    let action = action! { flow: login, timing: before, url: "relative" };
    takes(action.clone());
    println!("{}", action.url());
}
