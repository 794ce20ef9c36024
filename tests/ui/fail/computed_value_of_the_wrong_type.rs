use ory_actions::action;

fn main() {
    let port = 443;
    let key = String::from("s3cr3t");
    let _ = action! {
        flow: login,
        timing: before,
        url: port,
        auth: api_key { name: "X-Api-Key", value: key, in: header },
        headers: { "Authorization": format!("Bearer {}", "t0ken") },
    };
}
