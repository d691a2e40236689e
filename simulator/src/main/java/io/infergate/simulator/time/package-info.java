/** The clocks the simulator runs on: the system clock for HTTP, a virtual clock for the event loop. */
package io.infergate.simulator.time;
