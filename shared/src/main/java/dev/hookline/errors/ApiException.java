package dev.hookline.errors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.util.List;

/**
 * A client mistake or a refusal, with the HTTP status it maps to and a machine-readable code. Messages
 * are written for API users: they never carry exception text, stack traces or secrets.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final ErrorCode code;
    private final List<FieldError> fieldErrors;

    private ApiException(int status, ErrorCode code, String message, List<FieldError> fieldErrors) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    public static ApiException of(int status, ErrorCode code, String message) {
        return new ApiException(status, code, message, List.of());
    }

    public static ApiException validation(List<FieldError> fieldErrors) {
        return new ApiException(422, ErrorCode.VALIDATION_FAILED, "The request has invalid fields.", fieldErrors);
    }

    public static ApiException validation(String field, FieldCode code, String message) {
        return validation(List.of(new FieldError(field, code.code(), message)));
    }

    public static ApiException badRequest(ErrorCode code, String message) {
        return of(400, code, message);
    }

    /** Also the answer for another tenant's webhook: existence is never revealed across tenants. */
    public static ApiException notFound(String message) {
        return of(404, ErrorCode.NOT_FOUND, message);
    }

    public static ApiException routeNotFound() {
        return of(404, ErrorCode.ROUTE_NOT_FOUND, "No such route.");
    }

    public static ApiException methodNotAllowed(String allowed) {
        return of(405, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed here; allowed: " + allowed + ".");
    }

    public static ApiException conflict(ErrorCode code, String message) {
        return of(409, code, message);
    }

    public static ApiException preconditionFailed(String message) {
        return of(412, ErrorCode.PRECONDITION_FAILED, message);
    }

    public static ApiException payloadTooLarge(int limitBytes) {
        return of(413, ErrorCode.PAYLOAD_TOO_LARGE, "The request body exceeds " + limitBytes + " bytes.");
    }

    public static ApiException unsupportedMediaType() {
        return of(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
    }

    public static ApiException unauthorized() {
        return of(401, ErrorCode.UNAUTHORIZED, "A valid API key is required: Authorization: Bearer <api key>.");
    }

    public static ApiException forbidden(String scope) {
        return of(403, ErrorCode.INSUFFICIENT_SCOPE, "This operation needs the '" + scope + "' scope.");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code.code();
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    /** {@code {"error": {"code", "message", "fields": [{"field", "code", "message"}]}}} */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("status", status);
        error.put("code", code.code());
        error.put("message", getMessage());
        if (!fieldErrors.isEmpty()) {
            ArrayNode fields = error.putArray("fields");
            for (FieldError fieldError : fieldErrors) {
                fields.addObject()
                        .put("field", fieldError.field())
                        .put("code", fieldError.code())
                        .put("message", fieldError.message());
            }
        }
        return root;
    }
}
