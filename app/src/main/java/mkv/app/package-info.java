/** The imperative shell's outer edge: the command line, the settings, and the wiring with plain constructors. */
package mkv.app;
