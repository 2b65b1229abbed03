import { ILogger } from '@theia/core/lib/common/logger';
import { inject, injectable, named } from '@theia/core/shared/inversify';
import { DEFAULT_TIMEFRAMES, EngineInfo, EngineService } from '../common/engine-protocol';

interface NativeAddonModule {
    readonly version: string;
}

@injectable()
export class EngineServiceImpl implements EngineService {

    @inject(ILogger) @named('engine:EngineServiceImpl')
    protected readonly logger: ILogger;

    protected info: EngineInfo | undefined;

    async getEngineInfo(): Promise<EngineInfo> {
        if (!this.info) {
            this.info = this.loadNative();
        }
        return this.info;
    }

    protected loadNative(): EngineInfo {
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const addon: NativeAddonModule = require('@backtestr/native');
            return { nativeVersion: addon.version, defaultTimeframes: DEFAULT_TIMEFRAMES };
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            this.logger.error(`Native engine failed to load: ${reason}`);
            return { nativeError: reason, defaultTimeframes: DEFAULT_TIMEFRAMES };
        }
    }
}
