import { injectable } from '@theia/core/shared/inversify';
import { ChartLayout, ChartService, DEFAULT_CHART_LAYOUT } from '../common/chart-protocol';

@injectable()
export class ChartServiceImpl implements ChartService {
    async getDefaultLayout(): Promise<ChartLayout> {
        return DEFAULT_CHART_LAYOUT;
    }
}
