package dev.hookline.local;

/** A template that cannot be emulated: malformed, unsupported, or referring to something that cannot be resolved. */
public class TemplateException extends RuntimeException {

    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
