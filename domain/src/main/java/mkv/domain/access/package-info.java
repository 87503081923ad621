/**
 * Who may do what: API tokens, their scopes, and the one decision every request passes
 * (allowed, unauthenticated, or lacking a scope). Pure: no IO; the HTTP adapter maps the
 * outcome to 401/403, and any other API surface (a future S3 adapter) can reuse it as is.
 */
package mkv.domain.access;
