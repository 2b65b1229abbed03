import { ILogger } from '@theia/core/lib/common/logger';
import { inject, injectable, named } from '@theia/core/shared/inversify';
import { EngineInfo, EngineService } from '../common/engine-protocol';

@injectable()
export class EngineServiceImpl implements EngineService {

    @inject(ILogger) @named('engine:EngineServiceImpl')
    protected readonly logger: ILogger;

    protected info: EngineInfo | undefined;

    async getEngineInfo(): Promise<EngineInfo> {
        if (!this.info) {
            this.info = this.probeNative();
        }
        return this.info;
    }

    /** Loads the addon and creates one engine with the default options: proof that it works here. */
    protected probeNative(): EngineInfo {
        try {
            const { MtfEngine } = require('./mtf-engine') as typeof import('./mtf-engine');
            const engine = new MtfEngine();
            const { version } = require('@backtestr/native/package.json') as { version: string };
            return { nativeVersion: version, defaultTimeframes: engine.timeframes };
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            this.logger.error(`Native engine failed to load: ${reason}`);
            return { nativeError: reason, defaultTimeframes: [] };
        }
    }
}
