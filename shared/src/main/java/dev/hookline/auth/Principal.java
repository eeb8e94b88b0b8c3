package dev.hookline.auth;

import dev.hookline.errors.ApiException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The caller, as resolved by the authorizer: a tenant ({@code company_id}) and the key's scopes. */
public record Principal(String companyId, String keyId, Set<Scope> scopes) {

    public Principal {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    public void require(Scope scope) {
        if (!has(scope)) {
            throw ApiException.forbidden(scope.wireName());
        }
    }

    /** Space-separated, as carried in the authorizer context (which holds only strings). */
    public String scopesText() {
        return scopes.stream().map(Scope::wireName).sorted().collect(Collectors.joining(" "));
    }

    public static Set<Scope> parseScopes(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (text != null) {
            Arrays.stream(text.trim().split("\\s+")).map(Scope::fromWireName).forEach(s -> s.ifPresent(scopes::add));
        }
        return scopes;
    }
}
