/**
 * The HTTP shell of the data port: handlers read the request into one call of the inbound port
 * {@link mkv.domain.port.DataApi} and map its sealed result to a status, headers and a body. No
 * business decisions here, and no flow or driven port is touched.
 */
package mkv.adapter.http;
