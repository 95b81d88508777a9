//! What a user agent string says about the device: browser and version, OS,
//! and device type (desktop, phone, tablet, bot), parsed with woothee.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Device {
    /// Name and version, as shown: "Chrome 120.0.0.0".
    pub browser: String,
    /// Name and version, as shown: "Android 14".
    pub os: String,
    pub device_type: String,
    /// The names without versions, for the fingerprint.
    browser_family: String,
    os_family: String,
}

impl Device {
    /// A stable fingerprint of what the person would call "this device":
    /// device type, browser and OS without their versions, so that updating
    /// the browser or the OS does not make a known device look new.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}",
            self.device_type, self.browser_family, self.os_family
        )
    }
}

pub fn parse(ua: &str) -> Device {
    let parser = woothee::parser::Parser::new();
    let Some(r) = parser.parse(ua) else {
        return Device {
            browser: "Unknown browser".into(),
            os: "Unknown OS".into(),
            device_type: "desktop".into(),
            browser_family: "Unknown browser".into(),
            os_family: "Unknown OS".into(),
        };
    };
    let browser_family = if r.name == "UNKNOWN" {
        "Unknown browser".to_string()
    } else {
        r.name.to_string()
    };
    let browser = if r.name == "UNKNOWN" || r.version.is_empty() || r.version == "UNKNOWN" {
        browser_family.clone()
    } else {
        format!("{} {}", r.name, r.version)
    };
    let os_family = if r.os == "UNKNOWN" {
        "Unknown OS".to_string()
    } else {
        r.os.to_string()
    };
    let os = if r.os == "UNKNOWN" || r.os_version.is_empty() || r.os_version == "UNKNOWN" {
        os_family.clone()
    } else {
        format!("{} {}", r.os, r.os_version)
    };
    let lower = ua.to_ascii_lowercase();
    let device_type = match r.category {
        "crawler" => "bot",
        "smartphone" | "mobilephone" => {
            if lower.contains("ipad") || (lower.contains("android") && !lower.contains("mobile")) {
                "tablet"
            } else {
                "phone"
            }
        }
        "pc" | "appliance" | "misc" => "desktop",
        _ => "desktop",
    };
    Device {
        browser,
        os,
        device_type: device_type.to_string(),
        browser_family,
        os_family,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_devices() {
        let d = parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36");
        assert!(d.browser.starts_with("Chrome"), "{d:?}");
        assert_eq!(d.device_type, "desktop");
        let p = parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1");
        assert_eq!(p.device_type, "phone", "{p:?}");
        let t = parse("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1");
        assert_eq!(t.device_type, "tablet", "{t:?}");
        let b = parse("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        assert_eq!(b.device_type, "bot", "{b:?}");
    }

    #[test]
    fn updates_keep_the_fingerprint_and_other_devices_change_it() {
        let old = parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1");
        let new = parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1");
        assert_ne!(
            (&old.browser, &old.os),
            (&new.browser, &new.os),
            "{old:?} {new:?}"
        );
        assert_eq!(old.fingerprint(), new.fingerprint());
        let chrome_120 = parse("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36");
        let chrome_126 = parse("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36");
        assert_eq!(chrome_120.fingerprint(), chrome_126.fingerprint());
        let firefox = parse("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0");
        assert_ne!(chrome_126.fingerprint(), firefox.fingerprint());
        let tablet = parse("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1");
        assert_ne!(new.fingerprint(), tablet.fingerprint());
    }
}
