package io.infergate.api.validate;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The name and value formats of Kubernetes, Gateway API and the Inference Extension, with their messages. */
final class Formats {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HOSTNAME =
            Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern GROUP = Pattern.compile("^$|" + DNS1123_SUBDOMAIN.pattern());
    private static final Pattern KIND = Pattern.compile("[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+");
    private static final Pattern PATH_CHARS = Pattern.compile("(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+");
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private Formats() {}

    /** Null when valid, else what is wrong. */
    static String dns1123Subdomain(String s) {
        if (s.length() > 253) {
            return "is " + s.length() + " characters long (expected: at most 253)";
        }
        return DNS1123_SUBDOMAIN.matcher(s).matches()
                ? null
                : "\"" + s + "\" is not a DNS-1123 subdomain (expected: lower-case letters, digits, '-' and '.',"
                        + " starting and ending with a letter or digit)";
    }

    static String dns1123Label(String s) {
        if (s.length() > 63) {
            return "is " + s.length() + " characters long (expected: at most 63)";
        }
        return DNS1123_LABEL.matcher(s).matches()
                ? null
                : "\"" + s + "\" is not a DNS-1123 label (expected: lower-case letters, digits and '-',"
                        + " starting and ending with a letter or digit)";
    }

    static String dns1035Label(String s) {
        if (s.length() > 63) {
            return "is " + s.length() + " characters long (expected: at most 63)";
        }
        return DNS1035_LABEL.matcher(s).matches()
                ? null
                : "\"" + s + "\" is not a DNS-1035 label (expected: lower-case letters, digits and '-',"
                        + " starting with a letter and ending with a letter or digit)";
    }

    static String hostname(String s) {
        if (s.length() > 253) {
            return "is " + s.length() + " characters long (expected: at most 253)";
        }
        if (IPV4.matcher(s).matches()) {
            return "\"" + s + "\" is an IP address (expected: a DNS name; IPs are not allowed)";
        }
        return HOSTNAME.matcher(s).matches()
                ? null
                : "\"" + s + "\" is not a valid hostname (expected: a lower-case DNS name, optionally prefixed"
                        + " with \"*.\")";
    }

    static String sectionName(String s) {
        return dns1123Subdomain(s);
    }

    static String group(String s) {
        if (s.length() > 253) {
            return "is " + s.length() + " characters long (expected: at most 253)";
        }
        return GROUP.matcher(s).matches()
                ? null
                : "\"" + s + "\" is not a valid API group (expected: a DNS subdomain" + " or \"\" for the core group)";
    }

    static String kind(String s) {
        if (s.length() > 63) {
            return "is " + s.length() + " characters long (expected: at most 63)";
        }
        return KIND.matcher(s).matches()
                ? null
                : "\"" + s + "\" is not a valid kind (expected: letters, digits and" + " '-', starting with a letter)";
    }

    static String objectName(String s) {
        return s.length() > 253 ? "is " + s.length() + " characters long (expected: 1..253)" : null;
    }

    static String labelKey(String s) {
        if (s.length() > 253 + 1 + 63) {
            return "is too long (expected: an optional DNS prefix of at most 253 characters, a name of at most 63)";
        }
        int slash = s.indexOf('/');
        String name = slash < 0 ? s : s.substring(slash + 1);
        if (name.length() > 63
                || (slash >= 0 && slash > 253)
                || !LABEL_KEY.matcher(s).matches()) {
            return "\"" + s + "\" is not a valid label key (expected: [prefix/]name, name at most 63 characters of"
                    + " letters, digits, '-', '_', '.', starting and ending with a letter or digit)";
        }
        return null;
    }

    static String labelValue(String s) {
        if (s.length() > 63 || !LABEL_VALUE.matcher(s).matches()) {
            return "\"" + s + "\" is not a valid label value (expected: at most 63 letters, digits, '-', '_', '.',"
                    + " starting and ending with a letter or digit, or empty)";
        }
        return null;
    }

    static String headerName(String s) {
        if (s.isEmpty() || s.length() > 256 || !HEADER_NAME.matcher(s).matches()) {
            return "\"" + s + "\" is not a valid header name (expected: 1..256 token characters)";
        }
        return null;
    }

    static boolean pathChars(String s) {
        return PATH_CHARS.matcher(s).matches();
    }

    static String regex(String s) {
        try {
            Pattern.compile(s);
            return null;
        } catch (PatternSyntaxException e) {
            return "\"" + s + "\" is not a valid regular expression: " + e.getDescription();
        }
    }

    static boolean isIp(String s) {
        return IPV4.matcher(s).matches() || (IPV6.matcher(s).matches() && s.length() <= 45);
    }
}
