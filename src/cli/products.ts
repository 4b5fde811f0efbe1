// Product codes the real CLI knows (aliyun-cli-behavior.md appendix A), for "Did you mean" on an
// unknown product. Only kms is implemented; the others get a clear "not supported" error.
export const PRODUCT_CODES = `acc accountcenter acm actiontrail adb adbai adcp address-purification advisor agency agentexplorer agentrun
ahas-openapi aiccs aigen aimath aimiaobi aipodcast airec airticketopen aiworkspace alb alidns alikafka alimt
amqp-open antiddos-public anytrans apig appflow appstream-center arms avatar baas bailian bailianvoicebot bdrc
bpstudio brain-industrial bssopenapi cams captcha carbonfootprint cas cassandra cbn cc5g ccc cddc cdn cgcs
chatbot clickhouse cloud-siem cloudapi cloudauth cloudauth-intl cloudcontrol cloudesl cloudfw cloudphone
cloudsso cms cms-export companyreg composer computenest computenestsupplier config contactcenterai cr cs csas
das dataanalysisgbi datahub datalake dataphin-public dataworks-public dbfs dbs dcdn ddi ddosbgp ddoscoo
ddosdiversion dds devops devs dfs dianjin dlfnext dm dms dms-dg dms-enterprise documentautoml
documentparseservice domain drds dts dyplsapi dypnsapi dypnsapi-intl dysmsapi dytnsapi dyvmsapi dyvmsapi-intl
eais eas easygene ebs ecd eci ecs ecs-workbench edas eds-aic eds-user eduinterpreting edututor eflo eflo-cnp
eflo-controller ehpc ehpcinstant eiam eiam-developerapi eipanycast elasticsearch emas-appmonitor emr
emr-serverless-spark emrstudio energyexpertexternal ens es-serverless esa ess eventbridge expressconnectrouter
facebody farui fc fc-open fnf foasconsole ga gemp goodstech governance gpdb grace green gwlb gws hbase hbr
hcs-mgw hdr hitsdb hologram hsm httpdns iacservice ice idaas-doraemon idrsservice imageaudit imageenhan
imageprocess imagerecog imagesearch imageseg imgsearch imm imp ims iot iotcc iovcc iqs ivpd kms lingmou
linkcard linkedmall linkvisual linkwan live ltl maas market maxcompute metaspace mhub milvus mns-open
modelstudio moguan-sdk mpserverless mse mssp mts multimodaldialog nas nis nlb nlp-automl nls-cloud-meta
nls-filetrans notifications objectdet oceanbasepro ocr ocr-api ons onsmqtt oos openanalytics-open
openapiexplorer openitag opensearch opt oss ossadmin osssddp outboundbot pai-dlc pai-dsw paiautoml paicopilot
paielasticdatasetaccelerator paifeaturestore paiflow pailangstudio paillmtrace paimodelgallery paiplugin
pairecservice paistudio pcdn pds polardb polardbx privatelink pts push pvtz qualitycheck quanmiaolightapp
quickbi-public quotas r-kvstore rai ram rds rds-data rdsai resourcecenter resourcedirectorymaster
resourcemanager resourcesharing retailadvqa rocketmq ros rtc rtc-white-board sae saf safconsole sas sasrasp
scdn schedulerx2 schedulerx3 scsp sddp searchengine searchplat selectdb servicecatalog servicemesh sgw slb sls
smartag smc sofa sophonsoar starrocks status sts superappnlp support-plan swas-open sysom tablestore tag tdsr
tingwu trafficfxopen ververica viapi viapi-regen videoenhan videorecog videoseg vod voicenavigator vpc vpcipam
vpcpeer vs waf-openapi webplus websitebuild workorder wss xtee xtrace yike yundun-bastionhost`.split(/\s+/);
