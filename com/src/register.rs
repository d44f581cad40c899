//! Registration as data (CONTRACT §9): the keys and values that make a handler DLL an
//! in-process COM server and known to the manager, and their `.reg` file.
//!
//! A handler is an in-process server — `HKEY_CLASSES_ROOT\CLSID\{clsid}\InprocServer32`, whose
//! default value is the DLL's path and whose `ThreadingModel` is `Apartment` unless the handler
//! says otherwise — and is made known to the manager with the key
//! `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Syncmgr\Handlers\{clsid}`.
//! (The other way, `ISyncMgrRegister::RegisterSyncMgrHandler`, is a call on a running manager;
//! see [`crate::abi::ISyncMgrRegister`].)
//!
//! ```
//! use mobsync::Guid;
//! use mobsync_com::register::{Registration, ThreadingModel};
//!
//! let clsid = Guid::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);
//! let registration = Registration::new(clsid, r"C:\Program Files\Mirror\mirror.dll", "Folder mirror")?;
//! let reg = registration.to_reg();
//! assert!(reg.starts_with("Windows Registry Editor Version 5.00\r\n"));
//! assert!(reg.contains(r#"@="C:\\Program Files\\Mirror\\mirror.dll""#));
//! assert!(reg.contains(r#""ThreadingModel"="Apartment""#));
//! assert!(registration.to_unreg().contains(r"[-HKEY_CLASSES_ROOT\CLSID\{8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70}]"));
//! # Ok::<(), mobsync_com::register::RegistrationError>(())
//! ```

use core::ffi::c_void;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use mobsync::Guid;
use windows_core::{GUID, HRESULT};

/// The path of the manager's handler list, under `HKEY_LOCAL_MACHINE`.
pub const HANDLERS_KEY: &str = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Syncmgr\Handlers";

/// `InprocServer32`'s `ThreadingModel`: which apartments COM may create the object in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ThreadingModel {
    /// A single-threaded apartment (the default, R-COM-THREAD: what Microsoft's samples
    /// register).
    #[default]
    Apartment,
    /// Either kind of apartment.
    Both,
    /// The multithreaded apartment.
    Free,
    /// The neutral apartment.
    Neutral,
}

impl ThreadingModel {
    /// The registry value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Apartment => "Apartment",
            Self::Both => "Both",
            Self::Free => "Free",
            Self::Neutral => "Neutral",
        }
    }
}

impl fmt::Display for ThreadingModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for ThreadingModel {
    type Err = RegistrationError;

    /// The registry value, in any case (`apartment`, `Both`, …).
    fn from_str(s: &str) -> Result<Self, RegistrationError> {
        [Self::Apartment, Self::Both, Self::Free, Self::Neutral]
            .into_iter()
            .find(|model| model.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| RegistrationError::Threading(s.to_owned()))
    }
}

/// Why a registration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationError {
    /// The DLL path is empty.
    EmptyDll,
    /// The name is empty.
    EmptyName,
    /// A value holds a character a `.reg` string cannot carry (a line break or another control
    /// character).
    Unwritable {
        /// Which value: `dll` or `name`.
        what: &'static str,
    },
    /// Not a threading model.
    Threading(String),
}

impl fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyDll => f.write_str("the DLL path is empty"),
            Self::EmptyName => f.write_str("the handler's name is empty"),
            Self::Unwritable { what } => write!(
                f,
                "the {what} holds a line break or another control character, which a .reg file \
                 cannot carry"
            ),
            Self::Threading(s) => write!(
                f,
                "{s:?} is not a threading model (Apartment, Both, Free or Neutral)"
            ),
        }
    }
}

impl std::error::Error for RegistrationError {}

/// One registry key and its values (`None`: the default value `@`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The full path, beginning with the hive (`HKEY_CLASSES_ROOT\CLSID\{…}`).
    pub path: String,
    /// Its string values.
    pub values: Vec<(Option<&'static str>, String)>,
}

/// One handler class's registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    clsid: Guid,
    dll: String,
    name: String,
    threading: ThreadingModel,
}

impl Registration {
    /// The registration of the handler class `clsid`, served by the DLL at `dll` (its full
    /// Windows path) and shown as `name`, apartment-threaded.
    ///
    /// # Errors
    ///
    /// An empty path or name, or one holding a control character.
    pub fn new(clsid: Guid, dll: &str, name: &str) -> Result<Self, RegistrationError> {
        if dll.is_empty() {
            return Err(RegistrationError::EmptyDll);
        }
        if name.is_empty() {
            return Err(RegistrationError::EmptyName);
        }
        for (what, value) in [("DLL path", dll), ("name", name)] {
            if value.chars().any(char::is_control) {
                return Err(RegistrationError::Unwritable { what });
            }
        }
        Ok(Self {
            clsid,
            dll: dll.to_owned(),
            name: name.to_owned(),
            threading: ThreadingModel::default(),
        })
    }

    /// With this threading model instead of `Apartment`.
    #[must_use]
    pub fn threading(mut self, threading: ThreadingModel) -> Self {
        self.threading = threading;
        self
    }

    /// The CLSID in registry form (`{8F5A2C1E-…}`, upper case).
    #[must_use]
    pub fn clsid_text(&self) -> String {
        format!("{{{}}}", self.clsid.as_uuid().hyphenated()).to_uppercase()
    }

    /// The keys to create, in order.
    #[must_use]
    pub fn keys(&self) -> Vec<Key> {
        let clsid = self.clsid_text();
        vec![
            Key {
                path: format!(r"HKEY_CLASSES_ROOT\CLSID\{clsid}"),
                values: vec![(None, self.name.clone())],
            },
            Key {
                path: format!(r"HKEY_CLASSES_ROOT\CLSID\{clsid}\InprocServer32"),
                values: vec![
                    (None, self.dll.clone()),
                    (Some("ThreadingModel"), self.threading.as_str().to_owned()),
                ],
            },
            Key {
                path: format!(r"HKEY_LOCAL_MACHINE\{HANDLERS_KEY}\{clsid}"),
                values: vec![(None, self.name.clone())],
            },
        ]
    }

    /// The keys to delete to unregister (each with everything below it).
    #[must_use]
    pub fn removed_keys(&self) -> Vec<String> {
        let clsid = self.clsid_text();
        vec![
            format!(r"HKEY_CLASSES_ROOT\CLSID\{clsid}"),
            format!(r"HKEY_LOCAL_MACHINE\{HANDLERS_KEY}\{clsid}"),
        ]
    }

    /// The registration as a `.reg` file (`regedit /s file.reg`), CRLF line ends.
    #[must_use]
    pub fn to_reg(&self) -> String {
        let mut out = String::from("Windows Registry Editor Version 5.00\r\n");
        for key in self.keys() {
            let _ = write!(out, "\r\n[{}]\r\n", key.path);
            for (name, value) in &key.values {
                match name {
                    None => out.push('@'),
                    Some(name) => out.push_str(&quoted(name)),
                }
                let _ = write!(out, "={}\r\n", quoted(value));
            }
        }
        out
    }

    /// The unregistration as a `.reg` file: the keys removed.
    #[must_use]
    pub fn to_unreg(&self) -> String {
        let mut out = String::from("Windows Registry Editor Version 5.00\r\n");
        for path in self.removed_keys() {
            let _ = write!(out, "\r\n[-{path}]\r\n");
        }
        out
    }
}

impl Registration {
    /// Writes the keys of [`Registration::keys`] to the registry (Windows; an administrator's
    /// right to `HKEY_LOCAL_MACHINE` is needed), creating what is missing.
    ///
    /// # Errors
    ///
    /// The first failing registry call, as `HRESULT_FROM_WIN32` of its error; E_NOTIMPL off
    /// Windows, where there is no registry.
    pub fn install(&self) -> Result<(), HRESULT> {
        #[cfg(windows)]
        {
            for key in self.keys() {
                win32::write_key(&key)?;
            }
            Ok(())
        }
        #[cfg(not(windows))]
        Err(crate::hr::E_NOTIMPL)
    }

    /// Deletes the keys of [`Registration::removed_keys`] with everything below them; a key
    /// already missing is not an error.
    ///
    /// # Errors
    ///
    /// As [`Registration::install`].
    pub fn uninstall(&self) -> Result<(), HRESULT> {
        #[cfg(windows)]
        {
            for path in self.removed_keys() {
                win32::delete_tree(&path)?;
            }
            Ok(())
        }
        #[cfg(not(windows))]
        Err(crate::hr::E_NOTIMPL)
    }
}

/// `DllRegisterServer`'s body, which [`dll!`](crate::dll)'s `register:` defines: the class
/// `clsid`, served by the module that holds the address `in_module` (the DLL's own path, from
/// `GetModuleFileNameW`), apartment-threaded, shown as `name`.
pub fn register_server(clsid: &GUID, name: &str, in_module: *const c_void) -> HRESULT {
    crate::entry(|| {
        #[cfg(windows)]
        let dll = match win32::module_path(in_module) {
            Ok(dll) => dll,
            Err(error) => return error,
        };
        #[cfg(not(windows))]
        let dll = {
            let _ = in_module;
            String::new()
        };
        match Registration::new(Guid::from(*clsid), &dll, name) {
            Ok(registration) => registration.install().err().unwrap_or(crate::hr::S_OK),
            #[cfg(windows)]
            Err(_) => crate::hr::E_INVALIDARG,
            #[cfg(not(windows))]
            Err(_) => crate::hr::E_NOTIMPL,
        }
    })
}

/// `DllUnregisterServer`'s body: removes the class `clsid`'s keys.
pub fn unregister_server(clsid: &GUID) -> HRESULT {
    crate::entry(|| {
        let registration = Registration {
            clsid: Guid::from(*clsid),
            dll: String::new(),
            name: String::new(),
            threading: ThreadingModel::default(),
        };
        registration.uninstall().err().unwrap_or(crate::hr::S_OK)
    })
}

/// The registry and module calls, from advapi32 and kernel32.
#[cfg(windows)]
mod win32 {
    use core::ffi::c_void;

    use windows_core::HRESULT;

    use super::Key;

    windows_core::link!("advapi32.dll" "system" fn RegCreateKeyExW(
        hkey: isize, subkey: *const u16, reserved: u32, class: *const u16, options: u32,
        sam: u32, security: *const c_void, result: *mut isize, disposition: *mut u32) -> u32);
    windows_core::link!("advapi32.dll" "system" fn RegSetValueExW(
        hkey: isize, name: *const u16, reserved: u32, kind: u32, data: *const u8, size: u32)
        -> u32);
    windows_core::link!("advapi32.dll" "system" fn RegCloseKey(hkey: isize) -> u32);
    windows_core::link!("advapi32.dll" "system" fn RegDeleteTreeW(hkey: isize, subkey: *const u16)
        -> u32);
    windows_core::link!("kernel32.dll" "system" fn GetModuleHandleExW(
        flags: u32, name: *const u16, module: *mut isize) -> i32);
    windows_core::link!("kernel32.dll" "system" fn GetModuleFileNameW(
        module: isize, name: *mut u16, size: u32) -> u32);
    windows_core::link!("kernel32.dll" "system" fn GetLastError() -> u32);

    // The predefined keys are sign-extended 32-bit values.
    const HKEY_CLASSES_ROOT: isize = 0x8000_0000_u32 as i32 as isize;
    const HKEY_LOCAL_MACHINE: isize = 0x8000_0002_u32 as i32 as isize;
    const KEY_WRITE: u32 = 0x0002_0006;
    const REG_SZ: u32 = 1;
    const ERROR_FILE_NOT_FOUND: u32 = 2;
    const GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT: u32 = 0x2;
    const GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS: u32 = 0x4;

    /// `HRESULT_FROM_WIN32`.
    fn from_win32(error: u32) -> HRESULT {
        if error == 0 {
            crate::hr::S_OK
        } else {
            HRESULT(((error & 0xFFFF) | 0x8007_0000) as i32)
        }
    }

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(Some(0)).collect()
    }

    /// A full key path as its predefined root and the path below it.
    fn split(path: &str) -> Result<(isize, Vec<u16>), HRESULT> {
        let (root, below) = path.split_once('\\').ok_or(crate::hr::E_INVALIDARG)?;
        let root = match root {
            "HKEY_CLASSES_ROOT" => HKEY_CLASSES_ROOT,
            "HKEY_LOCAL_MACHINE" => HKEY_LOCAL_MACHINE,
            _ => return Err(crate::hr::E_INVALIDARG),
        };
        Ok((root, wide(below)))
    }

    pub(super) fn write_key(key: &Key) -> Result<(), HRESULT> {
        let (root, below) = split(&key.path)?;
        let mut hkey: isize = 0;
        // SAFETY: a predefined root, a NUL-terminated path, no class or security descriptor,
        // and a writable out-pointer for the key.
        let error = unsafe {
            RegCreateKeyExW(
                root,
                below.as_ptr(),
                0,
                core::ptr::null(),
                0,
                KEY_WRITE,
                core::ptr::null(),
                &mut hkey,
                core::ptr::null_mut(),
            )
        };
        if error != 0 {
            return Err(from_win32(error));
        }
        let mut result = Ok(());
        for (name, value) in &key.values {
            let name = name.map(wide);
            let data = wide(value);
            let size = u32::try_from(data.len() * 2).map_err(|_| crate::hr::E_INVALIDARG)?;
            // SAFETY: an open key; the name is NULL (the default value) or NUL-terminated; the
            // data is `size` bytes of a NUL-terminated UTF-16 string.
            let error = unsafe {
                RegSetValueExW(
                    hkey,
                    name.as_ref()
                        .map_or(core::ptr::null(), |name| name.as_ptr()),
                    0,
                    REG_SZ,
                    data.as_ptr().cast(),
                    size,
                )
            };
            if error != 0 {
                result = Err(from_win32(error));
                break;
            }
        }
        // SAFETY: the key opened above, closed once.
        let _ = unsafe { RegCloseKey(hkey) };
        result
    }

    pub(super) fn delete_tree(path: &str) -> Result<(), HRESULT> {
        let (root, below) = split(path)?;
        // SAFETY: a predefined root and a NUL-terminated path.
        match unsafe { RegDeleteTreeW(root, below.as_ptr()) } {
            0 | ERROR_FILE_NOT_FOUND => Ok(()),
            error => Err(from_win32(error)),
        }
    }

    /// The path of the module holding the address `in_module`.
    pub(super) fn module_path(in_module: *const c_void) -> Result<String, HRESULT> {
        let mut module: isize = 0;
        // SAFETY: FROM_ADDRESS takes any address as the "name"; UNCHANGED_REFCOUNT takes no
        // reference to release; `module` is a writable out-pointer.
        let found = unsafe {
            GetModuleHandleExW(
                GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                    | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                in_module.cast(),
                &mut module,
            )
        };
        if found == 0 {
            // SAFETY: no precondition.
            return Err(from_win32(unsafe { GetLastError() }));
        }
        let mut buffer = vec![0_u16; 260];
        loop {
            let capacity = u32::try_from(buffer.len()).map_err(|_| crate::hr::E_OUTOFMEMORY)?;
            // SAFETY: a module handle of this process and a buffer of `capacity` characters.
            let length = unsafe { GetModuleFileNameW(module, buffer.as_mut_ptr(), capacity) };
            if length == 0 {
                // SAFETY: no precondition.
                return Err(from_win32(unsafe { GetLastError() }));
            }
            if length < capacity {
                let length = usize::try_from(length).map_err(|_| crate::hr::E_FAIL)?;
                return String::from_utf16(buffer.get(..length).unwrap_or_default())
                    .map_err(|_| crate::hr::E_INVALIDARG);
            }
            // Truncated (ERROR_INSUFFICIENT_BUFFER): a longer buffer.
            buffer.resize(buffer.len() * 2, 0);
        }
    }
}

/// A `.reg` string: in double quotes, with `\` and `"` escaped by a backslash.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLSID: Guid = Guid::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);

    #[test]
    fn the_reg_file_has_the_three_keys_of_contract_section_9() {
        let reg = Registration::new(CLSID, r#"C:\a "b"\h.dll"#, "Mirror")
            .unwrap()
            .threading(ThreadingModel::Both)
            .to_reg();
        let expected = "Windows Registry Editor Version 5.00\r\n\
            \r\n[HKEY_CLASSES_ROOT\\CLSID\\{8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70}]\r\n\
            @=\"Mirror\"\r\n\
            \r\n[HKEY_CLASSES_ROOT\\CLSID\\{8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70}\\InprocServer32]\r\n\
            @=\"C:\\\\a \\\"b\\\"\\\\h.dll\"\r\n\
            \"ThreadingModel\"=\"Both\"\r\n\
            \r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers\\{8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70}]\r\n\
            @=\"Mirror\"\r\n";
        assert_eq!(reg, expected);
    }

    #[test]
    fn r_com_thread_apartment_is_the_default_threading_model() {
        let registration = Registration::new(CLSID, "h.dll", "Mirror").unwrap();
        let values = &registration.keys()[1].values;
        assert_eq!(values[1], (Some("ThreadingModel"), "Apartment".to_owned()));
        assert_eq!("both".parse(), Ok(ThreadingModel::Both));
        assert!("Single".parse::<ThreadingModel>().is_err());
    }

    #[test]
    fn values_a_reg_file_cannot_carry_are_refused() {
        assert_eq!(
            Registration::new(CLSID, "", "x"),
            Err(RegistrationError::EmptyDll)
        );
        assert_eq!(
            Registration::new(CLSID, "h.dll", ""),
            Err(RegistrationError::EmptyName)
        );
        assert_eq!(
            Registration::new(CLSID, "h.dll", "a\r\nb"),
            Err(RegistrationError::Unwritable { what: "name" })
        );
    }
}
