use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        project_id: "not/a project",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        project_id: env("ORY-PROJECT"),
    };
}
