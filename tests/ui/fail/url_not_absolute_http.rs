use ory_actions::action;

fn main() {
    let _ = action! { flow: login, timing: before, url: "/webhooks/validate" };
    let _ = action! { flow: login, timing: before, url: "ftp://files.example.com/hook" };
    let _ = action! { flow: login, timing: before, url: "https://user:pw@api.example.com/" };
}
