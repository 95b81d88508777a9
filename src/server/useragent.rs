//! What a user agent string says about the device: browser and version, OS,
//! and device type (desktop, phone, tablet, bot), parsed with woothee.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Device {
    pub browser: String,
    pub os: String,
    pub device_type: String,
}

impl Device {
    /// A stable fingerprint of what the person would call "this device".
    pub fn fingerprint(&self) -> String {
        format!("{}|{}|{}", self.device_type, self.browser_family(), self.os)
    }
    fn browser_family(&self) -> &str {
        self.browser.split(' ').next().unwrap_or("")
    }
}

pub fn parse(ua: &str) -> Device {
    let parser = woothee::parser::Parser::new();
    let Some(r) = parser.parse(ua) else {
        return Device {
            browser: "Unknown browser".into(),
            os: "Unknown OS".into(),
            device_type: "desktop".into(),
        };
    };
    let browser = if r.name == "UNKNOWN" {
        "Unknown browser".to_string()
    } else if r.version.is_empty() || r.version == "UNKNOWN" {
        r.name.to_string()
    } else {
        format!("{} {}", r.name, r.version)
    };
    let os = if r.os == "UNKNOWN" {
        "Unknown OS".to_string()
    } else if r.os_version.is_empty() || r.os_version == "UNKNOWN" {
        r.os.to_string()
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
}
