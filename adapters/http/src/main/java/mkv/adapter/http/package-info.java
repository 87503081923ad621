/**
 * The HTTP shell of the data port: handlers parse the request, make one use-case call and
 * map its sealed result to a status. No business decisions and no port calls here.
 */
package mkv.adapter.http;
