import * as http from 'http';
import { ILogger } from '@theia/core/lib/common/logger';
import { BackendApplicationCliContribution, BackendApplicationContribution, EarlyExpressMiddleware } from '@theia/core/lib/node/backend-application';
import { WsRequestValidatorContribution } from '@theia/core/lib/node/ws-request-validators';
import { inject, injectable, named } from '@theia/core/shared/inversify';
import type { NextFunction, Request, Response } from '@theia/core/shared/express';
import { ALLOWED_HOSTS_ENV, AllowedHosts, THEIA_HOSTS_ENV } from './allowed-hosts';

/** The body of the 403 answer: what was refused and how to allow it, without echoing the request. */
export const FOREIGN_HOST_REASON = 'Forbidden: this BackTestr server only answers requests addressed to 127.0.0.1, localhost or [::1] '
    + `(or a host listed in ${ALLOWED_HOSTS_ENV}); the Host header of this request names another host.\n`;

/** Distinct refused hosts logged; later ones are refused silently so that a hostile page cannot flood the log. */
const MAX_LOGGED_HOSTS = 20;

/**
 * Refuses DNS rebinding: every HTTP request (before any other middleware, so before the connection-token
 * cookie is handed out) and every WebSocket / Socket.IO handshake whose `Host` header is not an allowed host
 * (see {@link AllowedHosts}). Bound in the browser and the Electron backend alike.
 */
@injectable()
export class HostHeaderValidator implements BackendApplicationContribution, WsRequestValidatorContribution {
    @inject(EarlyExpressMiddleware)
    protected readonly earlyMiddleware: EarlyExpressMiddleware;

    @inject(BackendApplicationCliContribution)
    protected readonly cliParams: BackendApplicationCliContribution;

    @inject(ILogger) @named('workbench:HostHeaderValidator')
    protected readonly logger: ILogger;

    /** Loopback only until {@link initialize} has read the settings. */
    protected allowedHosts = new AllowedHosts();
    protected readonly loggedHosts = new Set<string>();

    initialize(): void {
        // First of the early middleware: Theia's connection-token cookie is set by a handler pushed there too.
        this.earlyMiddleware.handlers.unshift((req, res, next) => this.filterRequest(req, res, next));
        this.allowedHosts = new AllowedHosts({
            settings: [
                { source: ALLOWED_HOSTS_ENV, value: process.env[ALLOWED_HOSTS_ENV] },
                { source: THEIA_HOSTS_ENV, value: process.env[THEIA_HOSTS_ENV] }
            ],
            listenHostname: this.cliParams.hostname
        });
        for (const invalid of this.allowedHosts.invalidEntries) {
            this.logger.error(`${invalid}: not allowed. Fix the entry (for example mybox.lan or mybox.lan:3000) and restart.`);
        }
        this.logger.info(`Answering HTTP and WebSocket requests for the hosts ${this.allowedHosts.describe().join(', ')} `
            + `(a host without a port on any port); add hosts with ${ALLOWED_HOSTS_ENV}=host1,host2:port.`);
    }

    allowWsUpgrade(request: http.IncomingMessage): boolean {
        return this.isAllowed(request);
    }

    protected filterRequest(req: Request, res: Response, next: NextFunction): void {
        if (this.isAllowed(req)) {
            next();
            return;
        }
        res.status(403).type('text/plain').set('X-Content-Type-Options', 'nosniff').send(FOREIGN_HOST_REASON);
    }

    protected isAllowed(request: http.IncomingMessage): boolean {
        const host = request.headers.host;
        if (this.allowedHosts.allows(host)) {
            return true;
        }
        const shown = host === undefined ? 'no Host header' : `Host ${JSON.stringify(host.slice(0, 100))}`;
        if (this.loggedHosts.size < MAX_LOGGED_HOSTS && !this.loggedHosts.has(shown)) {
            this.loggedHosts.add(shown);
            this.logger.warn(`Refused ${request.method ?? 'a'} request for ${JSON.stringify((request.url ?? '').slice(0, 200))} with ${shown} (possible DNS rebinding). `
                + `If this host is yours, add it to ${ALLOWED_HOSTS_ENV} and restart.`);
        }
        return false;
    }
}
