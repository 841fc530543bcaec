/**
 * Running a program under load in a JVM of its own: the server or a reference server as a child
 * process, its placement on CPUs, its CPU time by thread and its GC log. Used by the other {@code
 * bench} packages.
 */
package io.opencardkit.bench.process;
