/**
 * Runs a SAM template's functions locally, the way AWS would run them.
 *
 * <p>{@link dev.hookline.local.LocalPlatform} is the entry point: it reads the template
 * ({@link dev.hookline.local.SamTemplate}), creates its tables and queues in local engines
 * ({@link dev.hookline.local.LocalResources}), evaluates intrinsics ({@link dev.hookline.local.Intrinsics}), loads
 * every handler in this JVM ({@link dev.hookline.local.LambdaContainer}), serves the HTTP API
 * ({@link dev.hookline.local.HttpApiServer}) and polls the SQS event sources
 * ({@link dev.hookline.local.SqsEventSource}).
 *
 * <p>Emulated: API Gateway HTTP API routes with payload format 2.0 and Lambda REQUEST authorizers (payload 2.0,
 * simple responses), SQS event source mappings with batching windows and ReportBatchItemFailures, and the Java
 * runtime's event (de)serialization. Not emulated: other event types (they are logged and skipped), JWT and IAM
 * authorization, CORS preflight answers, Lambda's 6 MB invocation payload limit, and per-invocation isolation
 * (one handler instance serves concurrent invocations).
 */
package dev.hookline.local;
