/**
 * The use cases: the only domain code that calls ports. Each reads top to bottom as
 * lock → read → pure decision → effects in the order that keeps data safe → pure settle.
 */
package mkv.domain.flow;
