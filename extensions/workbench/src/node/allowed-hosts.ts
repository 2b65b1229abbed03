// The hosts the backend answers: the `Host` header of every HTTP request and WebSocket upgrade must
// name one of them. A page whose DNS name rebinds to 127.0.0.1 reaches the backend with its own name
// in `Host` (and in `Origin`), so a Host allow-list is what keeps it out.

/** Comma-separated hosts to answer besides the loopback ones: `name` (any port) or `name:port`. */
export const ALLOWED_HOSTS_ENV = 'BACKTESTR_ALLOWED_HOSTS';
/** Theia's own list of the hosts an application is reachable at; its entries are answered too. */
export const THEIA_HOSTS_ENV = 'THEIA_HOSTS';

/**
 * Always answered, on any port: names and addresses that only ever reach this machine, so no other
 * site can send them in `Host` (a port forward such as `ssh -L 8080:localhost:3000` changes the port).
 */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** Addresses that mean "every interface" to `--hostname`: no client sends them in `Host`. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '[::]', '[::0]', '[0:0:0:0:0:0:0:0]']);

export interface HostAndPort {
    /** Lower-case; IPv6 addresses in brackets, as in a `Host` header. */
    readonly hostname: string;
    readonly port?: number;
}

const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i;

/** Parses a `Host` header value (`name`, `name:port`, `[v6]`, `[v6]:port`); undefined if it is none of these. */
export function parseHost(value: string): HostAndPort | undefined {
    const match = HOST_PATTERN.exec(value.trim());
    if (!match) {
        return undefined;
    }
    const port = match[2] === undefined ? undefined : Number(match[2]);
    if (port !== undefined && port > 65535) {
        return undefined;
    }
    return { hostname: match[1].toLowerCase(), port };
}

/** Parses one entry of a setting: as a `Host` header, or a bare IPv6 address (more than one colon). */
function parseEntry(entry: string): HostAndPort | undefined {
    const bareIpv6 = !entry.startsWith('[') && entry.indexOf(':') !== entry.lastIndexOf(':');
    return parseHost(bareIpv6 ? `[${entry}]` : entry);
}

export interface AllowedHostsOptions {
    /** Values of {@link ALLOWED_HOSTS_ENV} and {@link THEIA_HOSTS_ENV}, each named by its source for messages. */
    readonly settings?: ReadonlyArray<{ readonly source: string; readonly value: string | undefined }>;
    /** The `--hostname` the backend listens on: answered too (on any port) unless it is a wildcard address. */
    readonly listenHostname?: string;
}

/** The hosts the backend answers, and the entries of the settings that were no host (not answered). */
export class AllowedHosts {
    readonly invalidEntries: readonly string[];
    protected readonly anyPort = new Set<string>();
    protected readonly exact = new Set<string>();

    constructor(options: AllowedHostsOptions = {}) {
        LOOPBACK_HOSTS.forEach(host => this.anyPort.add(host));
        const invalid: string[] = [];
        for (const { source, value } of options.settings ?? []) {
            for (const entry of (value ?? '').split(',').map(e => e.trim()).filter(e => e !== '')) {
                const host = parseEntry(entry);
                if (!host) {
                    invalid.push(`${source}: '${entry}' is not a host name, host:port, IPv6 address or [IPv6 address]:port (international names in punycode)`);
                } else {
                    this.add(host);
                }
            }
        }
        const listen = options.listenHostname?.trim() ? parseEntry(options.listenHostname.trim()) : undefined;
        if (listen && !WILDCARD_ADDRESSES.has(listen.hostname)) {
            this.anyPort.add(listen.hostname);
        }
        this.invalidEntries = invalid;
    }

    /** True when `hostHeader` (the raw `Host` header) names an answered host. */
    allows(hostHeader: string | undefined): boolean {
        const host = hostHeader === undefined ? undefined : parseHost(hostHeader);
        if (!host) {
            return false;
        }
        return this.anyPort.has(host.hostname) || (host.port !== undefined && this.exact.has(`${host.hostname}:${host.port}`));
    }

    /** The answered hosts, for the log: `name` means any port. */
    describe(): string[] {
        return [...this.anyPort, ...this.exact];
    }

    protected add(host: HostAndPort): void {
        if (host.port === undefined) {
            this.anyPort.add(host.hostname);
        } else {
            this.exact.add(`${host.hostname}:${host.port}`);
        }
    }
}
