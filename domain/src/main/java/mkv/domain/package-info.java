/**
 * The functional core of mkv: immutable records and pure decisions. Pure: no IO, no clock
 * reads, no randomness; time and random draws arrive as arguments.
 */
package mkv.domain;
