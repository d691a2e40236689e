/** The Endpoint Picker protocol over Envoy ext_proc v3: the {@code epp} server and the client {@code serve} uses. */
package io.infergate.extproc;
