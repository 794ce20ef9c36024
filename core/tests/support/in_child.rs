//! One case in a child process, for regression cases that once aborted the process (a stack
//! overflow) or hung: the test binary is started again with a variable naming the case, its
//! test `child` works that one case out and prints the verdict as JSON after [`MARK`], and the
//! parent reads it. A child that dies, by a signal or a panic, or that gives no answer within a
//! minute fails its case. Shared by `core/tests/fuzz_regressions.rs` and the facade's
//! `tests/fuzz_regressions.rs`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What precedes the verdict in the child's output.
pub(crate) const MARK: &str = "fuzz-regression-verdict:";

/// How long a child may take.
const LIMIT: Duration = Duration::from_secs(60);

/// In the child: prints the verdict for the parent.
pub(crate) fn answer(verdict: &impl std::fmt::Display) {
    println!("{MARK}{verdict}");
}

/// The verdict of the case `name` from a child started with `var` set to it, or why there is
/// none.
pub(crate) fn verdict(var: &str, name: &str) -> Result<Value, String> {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(var, name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the child: {e}"))?;
    // Both streams are read as they come, so that a child writing much never waits on a pipe.
    let reader = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_string(&mut text);
            }
            text
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {} s (a hang)", LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if !status.success() {
        let why = err
            .lines()
            .find(|l| l.contains("overflow") || l.contains("panicked"))
            .unwrap_or("");
        return Err(format!("the child did not finish: {status} {why}"));
    }
    let line = out
        .lines()
        .find_map(|l| l.find(MARK).map(|at| &l[at + MARK.len()..]))
        .ok_or_else(|| format!("no verdict in the child's output: {out}"))?;
    serde_json::from_str(line).map_err(|e| e.to_string())
}
