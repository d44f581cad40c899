//! `mobsync register`: the `.reg` file of a handler DLL's registration (CONTRACT §9).

use std::io::Write as _;
use std::process::ExitCode;

use mobsync_com::register::Registration;
pub(crate) use mobsync_com::register::ThreadingModel;

pub(crate) fn run(
    clsid: mobsync::Guid,
    dll: Option<&str>,
    name: Option<&str>,
    threading: ThreadingModel,
    unregister: bool,
) -> ExitCode {
    let text = if unregister {
        // Only the CLSID matters for removal.
        match Registration::new(clsid, "-", "-") {
            Ok(registration) => registration.to_unreg(),
            Err(err) => return fail(&err),
        }
    } else {
        match Registration::new(clsid, dll.unwrap_or_default(), name.unwrap_or_default()) {
            Ok(registration) => registration.threading(threading).to_reg(),
            Err(err) => return fail(&err),
        }
    };
    // A closed stdout (e.g. `| head`) ends the output quietly.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn fail(err: &mobsync_com::register::RegistrationError) -> ExitCode {
    eprintln!("mobsync register: {err}");
    ExitCode::from(2)
}
