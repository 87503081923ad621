/**
 * nginx as the volume server. {@link mkv.adapter.nginx.NginxVolumes} talks WebDAV PUT/DELETE/HEAD
 * to running volumes and returns every failure as a value; {@link mkv.adapter.nginx.NginxConfig}
 * is pure text generation; {@link mkv.adapter.nginx.NginxVolumeProcess} is the only class here
 * that touches the local filesystem or starts processes, and it writes nothing outside its folder.
 */
package mkv.adapter.nginx;
