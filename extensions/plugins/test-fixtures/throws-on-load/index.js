'use strict';
throw new Error('fixture: this plugin cannot start (missing licence key)');
